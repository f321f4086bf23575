"""Yen amounts in 64-bit columns.

YenField is now a BigIntegerField, and the migrations that made these columns name YenField,
so the state alone shows no change: each column is first recorded as the 32-bit IntegerField
it is in the database, then altered to YenField. SQLite stores every integer in 64 bits and
is left as it is.
"""

from django.db import migrations, models

import subsidies.models.fields


class WidenColumn(migrations.AlterField):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def widen(model_name, name, *, narrow, wide):
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name, name, narrow)]
        ),
        WidenColumn(model_name, name, wide),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0008_audit_base"),
    ]

    operations = [
        *widen("historicalprogrammerule", "yearly_cap", narrow=models.IntegerField(blank=True, help_text='1地域協働体・1年度あたり。空欄は上限なし。', null=True, verbose_name='年度上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='1地域協働体・1年度あたり。空欄は上限なし。', null=True, verbose_name='年度上限額（円）')),
        *widen("historicalprogrammerule", "lifetime_cap", narrow=models.IntegerField(blank=True, help_text='1地域協働体あたり、全年度の合計。空欄は上限なし。', null=True, verbose_name='通算上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='1地域協働体あたり、全年度の合計。空欄は上限なし。', null=True, verbose_name='通算上限額（円）')),
        *widen("historicalprogrammerule", "flat_amount", narrow=models.IntegerField(blank=True, help_text='各地域協働体に一律の額。均等割・地域割の合計が事業費の限度額になります。', null=True, verbose_name='均等割（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='各地域協働体に一律の額。均等割・地域割の合計が事業費の限度額になります。', null=True, verbose_name='均等割（円）')),
        *widen("historicalprogrammerule", "per_capita_unit", narrow=models.IntegerField(blank=True, help_text='地域割 = 単価 × 区域の人口。', null=True, verbose_name='地域割の単価（円／人）'), wide=subsidies.models.fields.YenField(blank=True, help_text='地域割 = 単価 × 区域の人口。', null=True, verbose_name='地域割の単価（円／人）')),
        *widen("historicalprogrammerule", "labour_cap", narrow=models.IntegerField(blank=True, help_text='空欄は実費の全額。', null=True, verbose_name='事務局人件費の上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='空欄は実費の全額。', null=True, verbose_name='事務局人件費の上限額（円）')),
        *widen("programmerule", "yearly_cap", narrow=models.IntegerField(blank=True, help_text='1地域協働体・1年度あたり。空欄は上限なし。', null=True, verbose_name='年度上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='1地域協働体・1年度あたり。空欄は上限なし。', null=True, verbose_name='年度上限額（円）')),
        *widen("programmerule", "lifetime_cap", narrow=models.IntegerField(blank=True, help_text='1地域協働体あたり、全年度の合計。空欄は上限なし。', null=True, verbose_name='通算上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='1地域協働体あたり、全年度の合計。空欄は上限なし。', null=True, verbose_name='通算上限額（円）')),
        *widen("programmerule", "flat_amount", narrow=models.IntegerField(blank=True, help_text='各地域協働体に一律の額。均等割・地域割の合計が事業費の限度額になります。', null=True, verbose_name='均等割（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='各地域協働体に一律の額。均等割・地域割の合計が事業費の限度額になります。', null=True, verbose_name='均等割（円）')),
        *widen("programmerule", "per_capita_unit", narrow=models.IntegerField(blank=True, help_text='地域割 = 単価 × 区域の人口。', null=True, verbose_name='地域割の単価（円／人）'), wide=subsidies.models.fields.YenField(blank=True, help_text='地域割 = 単価 × 区域の人口。', null=True, verbose_name='地域割の単価（円／人）')),
        *widen("programmerule", "labour_cap", narrow=models.IntegerField(blank=True, help_text='空欄は実費の全額。', null=True, verbose_name='事務局人件費の上限額（円）'), wide=subsidies.models.fields.YenField(blank=True, help_text='空欄は実費の全額。', null=True, verbose_name='事務局人件費の上限額（円）')),
        *widen("historicalbudget", "amount", narrow=models.IntegerField(verbose_name='予算額（円）'), wide=subsidies.models.fields.YenField(verbose_name='予算額（円）')),
        *widen("budget", "amount", narrow=models.IntegerField(verbose_name='予算額（円）'), wide=subsidies.models.fields.YenField(verbose_name='予算額（円）')),
        *widen("application", "requested_amount", narrow=models.IntegerField(blank=True, null=True, verbose_name='申請額（円）'), wide=subsidies.models.fields.YenField(blank=True, null=True, verbose_name='申請額（円）')),
        *widen("application", "decided_amount", narrow=models.IntegerField(blank=True, null=True, verbose_name='交付決定額（円）'), wide=subsidies.models.fields.YenField(blank=True, null=True, verbose_name='交付決定額（円）')),
        *widen("application", "advance_amount", narrow=models.IntegerField(default=0, verbose_name='前金払額（円）'), wide=subsidies.models.fields.YenField(default=0, verbose_name='前金払額（円）')),
        *widen("application", "paid_amount", narrow=models.IntegerField(default=0, verbose_name='支払済額（円、前金を含む）'), wide=subsidies.models.fields.YenField(default=0, verbose_name='支払済額（円、前金を含む）')),
        *widen("application", "change_requested_amount", narrow=models.IntegerField(blank=True, null=True, verbose_name='変更後の申請額（円）'), wide=subsidies.models.fields.YenField(blank=True, null=True, verbose_name='変更後の申請額（円）')),
        *widen("application", "confirmed_amount", narrow=models.IntegerField(blank=True, null=True, verbose_name='確定額（円）'), wide=subsidies.models.fields.YenField(blank=True, null=True, verbose_name='確定額（円）')),
        *widen("application", "refund_amount", narrow=models.IntegerField(default=0, verbose_name='返還請求額（円）'), wide=subsidies.models.fields.YenField(default=0, verbose_name='返還請求額（円）')),
        *widen("application", "refunded_amount", narrow=models.IntegerField(default=0, verbose_name='返還済額（円）'), wide=subsidies.models.fields.YenField(default=0, verbose_name='返還済額（円）')),
        *widen("applicationline", "amount", narrow=models.IntegerField(verbose_name='金額（円）'), wide=subsidies.models.fields.YenField(verbose_name='金額（円）')),
    ]
