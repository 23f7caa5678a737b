"""Citizens' participation in reports: updates, abuse notices, questionnaires (models and reads;
the writes are in ``domains.reports.services``)."""
