"""Tables of the statewide statistics roll-up (``domains.reports.statistics_rollup``) and its trigger.

Plain SQL, not models: nothing but the roll-up code reads or writes them, and the trigger must see every
write path to ``reports_report`` (services, bulk updates, admin, other helpers' corrections) — a Python
signal would miss ``QuerySet.update``.
"""

from django.db import migrations

CREATE = """
CREATE TABLE reports_statistics_rollup (
    area varchar(8) NOT NULL,
    category_id bigint NOT NULL,
    created_month date NOT NULL,
    resolved_month date NULL,
    days integer NULL,
    is_open boolean NOT NULL,
    is_resolved boolean NOT NULL,
    in_time boolean NULL,
    recent boolean NOT NULL,
    n integer NOT NULL
);
CREATE TABLE reports_statistics_rollup_state (
    id smallint PRIMARY KEY CHECK (id = 1),
    built_at timestamptz NOT NULL,
    max_report_id bigint NOT NULL,
    day date NOT NULL,
    recent_since timestamptz NOT NULL,
    rows integer NOT NULL
);
CREATE TABLE reports_statistics_dirty (
    report_id bigint PRIMARY KEY,
    old jsonb NOT NULL,
    resolved_at timestamptz NULL
);
-- Only what the statistics read of a report (status, keys, dates, the public filter's flags): never the
-- reporter's name, address, texts or place, which must go when the report's personal data is erased.
CREATE FUNCTION reports_statistics_fields(r reports_report) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('id', r.id, 'status', r.status, 'category_id', r.category_id, 'commune_id', r.commune_id, 'district_id', r.district_id, 'created', r.created, 'due', r.due, 'internal', r.internal)
$$;
-- A report that the roll-up counted is changed or deleted: keep its row as the roll-up saw it (the first
-- change after the build wins), so the statistics can take exactly that contribution out again.
CREATE FUNCTION reports_statistics_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_statistics_dirty (report_id, old, resolved_at)
    SELECT OLD.id, reports_statistics_fields(OLD),
           (SELECT max(sc.created) FROM reports_statuschange sc
            WHERE sc.report_id = OLD.id AND sc.to_status = 'resolved' AND sc.created <= s.built_at)
    FROM reports_statistics_rollup_state s
    WHERE OLD.id <= s.max_report_id
    ON CONFLICT (report_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_statistics_dirty AFTER UPDATE OR DELETE ON reports_report
    FOR EACH ROW EXECUTE FUNCTION reports_statistics_mark_dirty();
-- The time of resolution comes from the history: a history row added, changed or deleted (a note on a
-- resolved report, the history deleted before its report) changes the report's figures too. BEFORE, so the
-- report's row and history are still as the roll-up saw them.
CREATE FUNCTION reports_statistics_mark_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.report_id ELSE OLD.report_id END;
BEGIN
    INSERT INTO reports_statistics_dirty (report_id, old, resolved_at)
    SELECT r.id, reports_statistics_fields(r),
           (SELECT max(sc.created) FROM reports_statuschange sc
            WHERE sc.report_id = r.id AND sc.to_status = 'resolved' AND sc.created <= s.built_at)
    FROM reports_report r, reports_statistics_rollup_state s
    WHERE r.id = rid AND r.id <= s.max_report_id
    ON CONFLICT (report_id) DO NOTHING;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER reports_statistics_history BEFORE INSERT OR UPDATE OR DELETE ON reports_statuschange
    FOR EACH ROW EXECUTE FUNCTION reports_statistics_mark_history();
"""
DROP = """
DROP TRIGGER IF EXISTS reports_statistics_history ON reports_statuschange;
DROP FUNCTION IF EXISTS reports_statistics_mark_history();
DROP TRIGGER IF EXISTS reports_statistics_dirty ON reports_report;
DROP FUNCTION IF EXISTS reports_statistics_mark_dirty();
DROP FUNCTION IF EXISTS reports_statistics_fields(reports_report);
DROP TABLE IF EXISTS reports_statistics_dirty, reports_statistics_rollup_state, reports_statistics_rollup;
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0021_queue_index_with_inquiry")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
