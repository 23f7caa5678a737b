"""The reporter's follow rows are gone (0004); so is the column that marked them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0004_reporter_choice_to_reports")]

    operations = [migrations.RemoveField(model_name="subscription", name="is_reporter")]
