"""Findings keep their reason code and values; explanations are written when read (no stored texts)."""

from django.db import migrations, models


def _from_evidence(apps, schema_editor):
    Finding = apps.get_model("oversight", "Finding")
    for f in Finding.objects.all().only("pk", "evidence").iterator(chunk_size=2000):
        ev = f.evidence if isinstance(f.evidence, dict) else {}
        values = ev.get("values") if isinstance(ev.get("values"), dict) else {}
        Finding.objects.filter(pk=f.pk).update(reason=str(ev.get("reason") or "")[:40], values=values)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_observation_foreign_country")]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="reason",
            field=models.CharField(default="", max_length=40, verbose_name="motivo"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="finding",
            name="values",
            field=models.JSONField(default=dict, verbose_name="valores"),
        ),
        migrations.RunPython(_from_evidence, migrations.RunPython.noop),
        migrations.RemoveField(model_name="finding", name="explanation_es"),
        migrations.RemoveField(model_name="finding", name="explanation_en"),
        migrations.RemoveField(model_name="finding", name="evidence"),
    ]
