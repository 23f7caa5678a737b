"""English mode for visitors in Saxony: day-month-year and 24-hour times ("7 December 2026, 13:30"),
weeks from Monday — Django's "en" formats are American ("Dec. 7, 2026, 1:30 p.m.", 12/07/2026), which
reads wrongly next to German dates and opening hours (issue 26). Input accepts ISO and the German and
British day-first forms, never the US month-first one, so 07/12/2026 is always 7 December."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
