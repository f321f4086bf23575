"""Background rendering of the whole-city report through django-tasks.

A job carries its city: the job row is city-owned and the task is given the city's id as well,
and the task runs inside ``city_scope`` of that city. A queue worker (django-tasks-db's
``db_worker``) runs with no city in force, and an inline run may be called from inside another
city's request; either way, the city comes from the job, never from the worker's state.
"""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from core import tenancy
from core.models import Municipality
from core.pdf import font_family, pdf_from_html
from councils.models import Council

from .models import ReportJob


def report_title(city: Municipality) -> str:
    """「全地域協働体の状況（一括PDF）」 in the city's own word for its councils."""
    return f"全{city.council_term}の状況（一括PDF）"


@task()
def render_city_report(job_id: int, municipality_id: int) -> None:
    """Render every council's public page of one city into one A4 PDF, with progress."""
    city = Municipality.objects.get(pk=municipality_id)
    with tenancy.city_scope(city):
        # Looked up inside the job's city: a job id of another city is not found here.
        job = ReportJob.objects.get(pk=job_id)
        _render(job, city)


def _render(job: ReportJob, city: Municipality) -> None:
    from .views import CouncilPage

    council_ids = list(Council.objects.order_by("kana", "name").values_list("pk", flat=True))
    job.status, job.progress_total, job.progress_done = (
        ReportJob.Status.RUNNING,
        len(council_ids),
        0,
    )
    job.save(update_fields=["status", "progress_total", "progress_done"])
    try:
        pages = []
        for pk in council_ids:
            page = CouncilPage().get_page(None, pk=pk)
            page.data_as_of = timezone.localdate()
            pages.append(page)
            job.progress_done += 1
            # Progress is saved every few councils: staff see it move without a write per row.
            if job.progress_done % 5 == 0:
                job.save(update_fields=["progress_done"])
        html = render_to_string(
            "reports/city_report_pdf.html",
            {
                "pages": pages,
                "title": job.title,
                "data_as_of": timezone.localdate(),
                "pdf_font_family": font_family(),
                "pdf": True,
                "municipality": city,
            },
        )
        pdf = pdf_from_html(html)
        name = f"city-report-{city.slug or city.pk}-{job.pk}.pdf"
        job.file.save(name, ContentFile(pdf), save=False)
        job.status = ReportJob.Status.DONE
    except Exception as error:  # noqa: BLE001 - any failure is shown to staff on the job
        job.status = ReportJob.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"
    job.finished_at = timezone.now()
    job.save()


def request_city_report(*, actor, city: Municipality | None = None) -> ReportJob:
    """Queue a whole-city report of ``city`` (default: the city in force).

    Runs inline with the default (immediate) backend; with django-tasks-db a worker renders it
    later, for the city stored on the job and passed as the task's argument.
    """
    city = city or tenancy.current_municipality()
    if city is None or city.pk is None:
        raise ValueError("一括帳票を作成する自治体が指定されていません。")
    with tenancy.city_scope(city):
        job = ReportJob.objects.create(requested_by=actor, title=report_title(city))
        render_city_report.enqueue(job.pk, city.pk)
        job.refresh_from_db()
    return job
