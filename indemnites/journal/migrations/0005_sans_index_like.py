# The index on the client's records without its `…_like` twin, which PostgreSQL got from db_index=True and no
# query uses (issue 20: a year of data under 15 GB, one index fewer for each data call to write). The new
# index is built first and CONCURRENTLY, so that the journal's writes never wait and the exports always have one.

from django.db import migrations, models

from indemnites.core.operations import AjouterIndexSansBloquer


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("journal", "0004_index_par_sujet"),
    ]

    operations = [
        AjouterIndexSansBloquer(
            model_name="enregistrement",
            index=models.Index(fields=["client_id"], name="journal_acces_par_client"),
        ),
        migrations.AlterField(
            model_name="enregistrement",
            name="client_id",
            field=models.CharField(blank=True, max_length=100, verbose_name="client"),
        ),
    ]
