"""Import/export of city staff, liaison assignments and secretariat employees."""

from import_export.fields import Field

from core.imports.cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    TextWidget,
)
from core.imports.resources import JapaneseModelResource
from councils.models import Council

from .models import Employer, LiaisonAssignment, LiaisonRole, SecretariatEmployee, StaffMember


class StaffMemberResource(JapaneseModelResource):
    staff_number = Field(attribute="staff_number", column_name="職員番号", widget=CodeWidget())
    name = Field(attribute="name", column_name="氏名", widget=TextWidget())
    kana = Field(attribute="kana", column_name="氏名（かな）", widget=TextWidget())
    department = Field(attribute="department", column_name="所属", widget=TextWidget())
    phone = Field(attribute="phone", column_name="電話番号", widget=TextWidget())
    email = Field(attribute="email", column_name="メールアドレス", widget=TextWidget())
    is_active = Field(attribute="is_active", column_name="在職中", widget=BooleanWidget(blank=True))

    required_columns = ("職員番号", "氏名", "所属")
    check_constraints_per_row = False  # the staff number is the natural key

    class Meta:
        model = StaffMember
        name = "市職員"
        fields = ("staff_number", "name", "kana", "department", "phone", "email", "is_active")
        import_id_fields = ("staff_number",)


def _council_field(column_name="地域協働体"):
    return Field(
        attribute="council",
        column_name=column_name,
        widget=LookupWidget(Council, "name", label="地域協働体", normalise=False),
    )


class LiaisonAssignmentResource(JapaneseModelResource):
    """Assignments by council, staff number, role and start; a row may end one by its end date.

    Rows are written one by one so that each row's overlap check sees the rows above it:
    end the old main assignment on a row before the row that starts the new one.
    """

    council = _council_field()
    staff = Field(
        attribute="staff",
        column_name="職員番号",
        widget=LookupWidget(StaffMember, "staff_number", label="市職員（職員番号）"),
    )
    staff_name = Field(attribute="staff__name", column_name="氏名", readonly=True)
    staff_department = Field(attribute="staff__department", column_name="所属", readonly=True)
    role = Field(attribute="role", column_name="担当区分", widget=ChoiceWidget(LiaisonRole.choices))
    started_on = Field(attribute="started_on", column_name="開始日", widget=DateWidget())
    ended_on = Field(attribute="ended_on", column_name="終了日", widget=DateWidget())
    note = Field(attribute="note", column_name="摘要", widget=TextWidget())

    required_columns = ("地域協働体", "職員番号", "担当区分", "開始日")

    class Meta:
        model = LiaisonAssignment
        name = "地域担当職員の配置"
        use_bulk = False
        fields = (
            "council",
            "staff",
            "staff_name",
            "staff_department",
            "role",
            "started_on",
            "ended_on",
            "note",
        )
        import_id_fields = ("council", "staff", "role", "started_on")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("council", "staff")


class SecretariatEmployeeResource(JapaneseModelResource):
    """Employees by council, name and start date; the employer rule is checked on every row."""

    council = _council_field()
    name = Field(attribute="name", column_name="氏名", widget=TextWidget())
    employer = Field(
        attribute="employer", column_name="雇用主", widget=ChoiceWidget(Employer.choices)
    )
    started_on = Field(attribute="started_on", column_name="雇用開始日", widget=DateWidget())
    ended_on = Field(attribute="ended_on", column_name="雇用終了日", widget=DateWidget())
    monthly_salary = Field(
        attribute="monthly_salary", column_name="給与（月額・円）", widget=IntegerWidget()
    )
    monthly_insurance = Field(
        attribute="monthly_insurance",
        column_name="社会保険料の事業主負担（月額・円）",
        widget=IntegerWidget(),
        default=0,
    )
    yearly_health_check = Field(
        attribute="yearly_health_check",
        column_name="健康診断料（年額・円）",
        widget=IntegerWidget(),
        default=0,
    )
    note = Field(attribute="note", column_name="摘要", widget=TextWidget())

    required_columns = ("地域協働体", "氏名", "雇用主", "雇用開始日", "給与（月額・円）")

    class Meta:
        model = SecretariatEmployee
        name = "事務局員"
        use_bulk = False
        fields = (
            "council",
            "name",
            "employer",
            "started_on",
            "ended_on",
            "monthly_salary",
            "monthly_insurance",
            "yearly_health_check",
            "note",
        )
        import_id_fields = ("council", "name", "started_on")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("council")
