"""Hand-off of a report (or a crew job) to someone outside the platform — a contractor, a utility, the road
authority, a commune without staff here — by a signed link mailed to them (issue 30.4).

``models`` (the hand-off and its activity rows), ``tokens`` (the link), ``services`` (create, revoke, the
outsider's update through the report's one status path), ``selectors`` (what is out, overdue).
"""
