from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse

from core import terms
from core.models import Municipality
from core.tables import Table
from core.validators import strip_control_characters
from plans import selectors as plan_selectors

from . import selectors
from .models import ReportJob
from .pages import Page, PublicPage


class HomePage(PublicPage):
    def get_page(self, request, **kwargs):
        councils = selectors.council_list()
        centres = selectors.civic_centres()
        designated = sum(1 for c in centres if c.management == "designated")
        stages = selectors.stage_counts()
        plans = list(plan_selectors.published_plans())
        latest = list(plan_selectors.published_progress().order_by("-published_at", "-pk")[:5])
        table = Table(
            "stages",
            "段階別の団体数",
            ["段階", "団体数"],
            ["stage", "count"],
            [list(row) for row in stages],
        )
        return Page(
            title=f"{Municipality.current().name}の地域協働",
            body_template="reports/home_body.html",
            context={
                "council_count": len(councils),
                "population_total": sum(c.population_today for c in councils),
                "centre_count": len(centres),
                "designated_count": designated,
                "plans": plans,
                "latest_progress": latest,
                "city_report": ReportJob.objects.filter(status=ReportJob.Status.DONE)
                .exclude(file="")
                .order_by("-finished_at")
                .first(),
            },
            tables=[table],
            filename="home",
        )


class CouncilListPage(PublicPage):
    per_page = 100
    query_parameters = ("q", "area", "page")

    def get_page(self, request, **kwargs):
        # Control characters (a NUL cannot even be compared on PostgreSQL) are dropped.
        query = strip_control_characters(request.GET.get("q", ""))[:50].strip()
        areas = selectors.council_areas()
        area = request.GET.get("area", "")
        if area not in areas:
            area = ""
        councils = selectors.council_list(query=query, area=area)
        title = f"{terms.council_term()}の一覧"
        table = Table(
            "councils",
            title,
            ["名称", "名称（かな）", "地域", "段階", "拠点施設", "人口"],
            ["name", "kana", "area", "stage", "civic_centres", "population"],
            [
                [
                    c.name,
                    c.kana,
                    c.area,
                    c.get_stage_display(),
                    "、".join(x.name for x in c.civic_centres.all()),
                    c.population_today,
                ]
                for c in councils
            ],
        )
        paginator = Paginator(councils, self.per_page)
        shown = paginator.get_page(request.GET.get("page"))
        return Page(
            title=title,
            body_template="reports/council_list_body.html",
            context={
                "councils": councils,
                "shown": shown,
                "areas": areas,
                "query": query,
                "area": area,
            },
            tables=[table],
            filename="councils",
        )


class CouncilPage(PublicPage):
    def get_page(self, request, pk=None, **kwargs):
        try:
            council = selectors.council_profile(pk)
        except selectors.Council.DoesNotExist:
            raise Http404(f"{terms.council_term()}が見つかりません。") from None
        sections = selectors.council_sections(council)
        members = Table(
            "members",
            "構成団体",
            ["団体名", "種別"],
            ["name", "kind"],
            [[m.name, m.get_kind_display()] for m in council.members.all()],
        )
        tables = [members]
        for section in sections:
            tables.extend(section.get("tables", []))
        return Page(
            title=council.name,
            body_template="reports/council_body.html",
            context={
                "council": council,
                "sections": sections,
                "list_url": reverse("public:council_list"),
            },
            tables=tables,
            filename=f"council-{council.pk}",
        )


class CivicCentrePage(PublicPage):
    """Civic centres, with open data in the shape of the national 公共施設一覧 dataset."""

    def get_page(self, request, **kwargs):
        city = Municipality.current()
        centre_term = terms.centre_term()
        centres = selectors.civic_centres()
        shown = Table(
            "centres",
            f"{centre_term}の一覧",
            ["名称", "住所", "電話番号", f"拠点とする{terms.council_term()}", "管理運営"],
            ["name", "address", "phone", "council", "management"],
            [
                [
                    c.name,
                    c.address,
                    c.phone,
                    c.council.name if c.council else "",
                    terms.in_city_words(c.get_management_display()),
                ]
                for c in centres
            ],
        )
        standard = Table(
            "public-facilities",
            "公共施設一覧（自治体標準オープンデータセット形式）",
            PUBLIC_FACILITY_COLUMNS,
            PUBLIC_FACILITY_COLUMNS,
            [
                [
                    city.local_government_code,
                    f"{city.local_government_code}-CC{c.pk:04d}",
                    city.name,
                    c.name,
                    c.kana,
                    "",
                    centre_term,
                    c.address,
                    "",
                    c.latitude,
                    c.longitude,
                    c.phone,
                    "",
                    c.council.name if c.council and c.management == "designated" else city.name,
                    "",
                    "",
                ]
                for c in centres
            ],
        )
        return Page(
            title=centre_term,
            body_template="reports/civic_centres_body.html",
            context={"centres": centres},
            tables=[shown, standard],
            filename="civic-centres",
        )


# Columns of 自治体標準オープンデータセット「公共施設一覧」 that a civic centre fills.
PUBLIC_FACILITY_COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "種類",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "団体名",
    "URL",
    "備考",
]


def city_report(request, pk=None):
    """A finished whole-city report: the newest one, or the one named by ``pk``."""
    from django.http import FileResponse

    jobs = ReportJob.objects.filter(status=ReportJob.Status.DONE).exclude(file="")
    job = jobs.filter(pk=pk).first() if pk else jobs.order_by("-finished_at").first()
    if job is None:
        raise Http404("一括PDFはまだ作成されていません。")
    return FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        filename=f"{terms.in_city_words(job.title)}.pdf",
        as_attachment=False,
    )
