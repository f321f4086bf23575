"""Background jobs carry their city: a report job renders its own city's councils only."""

import contextvars
import io

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from core import tenancy
from reports.models import ReportJob
from reports.tasks import render_city_report, request_city_report
from tests.cities import make_city
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(job: ReportJob) -> str:
    with job.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def two_cities(city):
    """一関市 with two 地域協働体, 山口市 with one 地域づくり協議会."""
    CouncilFactory(name="山目地域協働体")
    CouncilFactory(name="藤沢地域協働体")
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        CouncilFactory(name="大殿地域づくり協議会")
    return city, yamaguchi


def test_each_city_report_holds_only_its_own_councils_in_its_own_words(two_cities):
    ichinoseki, yamaguchi = two_cities
    # Asked for while 一関市 is in force: the job of 山口市 still renders 山口市.
    own = request_city_report(actor=None)
    other = request_city_report(actor=None, city=yamaguchi)

    assert (own.municipality_id, own.status, own.progress_total) == (
        ichinoseki.pk,
        ReportJob.Status.DONE,
        2,
    )
    assert own.title == "全地域協働体の状況（一括PDF）"
    text = pdf_text(own)
    assert "山目地域協働体" in text and "藤沢地域協働体" in text
    assert "一関市" in text
    assert "大殿" not in text and "山口市" not in text and "地域づくり協議会" not in text

    with tenancy.city_scope(yamaguchi):
        other = ReportJob.objects.get(pk=other.pk)
        assert (other.status, other.progress_total) == (ReportJob.Status.DONE, 1)
        assert other.title == "全地域づくり協議会の状況（一括PDF）"
        text = pdf_text(other)
    assert "大殿地域づくり協議会" in text and "全地域づくり協議会の状況" in text
    assert "山口市" in text
    assert "山目" not in text and "藤沢" not in text and "地域協働体" not in text
    assert "一関市" not in text
    # Each job is filed under its own city only.
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [own.pk]


def test_the_task_takes_its_city_from_its_argument_with_no_city_in_force(two_cities):
    """A queue worker runs with no city in force: the task finds its city itself."""
    ichinoseki, yamaguchi = two_cities
    with tenancy.city_scope(yamaguchi):
        job = ReportJob.objects.create(title="全地域づくり協議会の状況（一括PDF）")

    fresh = contextvars.Context()
    assert fresh.run(tenancy.current_municipality) is None
    fresh.run(render_city_report.call, job.pk, yamaguchi.pk)

    with tenancy.city_scope(yamaguchi):
        job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == (ReportJob.Status.DONE, 1, 1)
    text = pdf_text(job)
    assert "大殿地域づくり協議会" in text
    assert "山目" not in text and "藤沢" not in text


def test_a_job_of_another_city_is_not_found_under_a_wrong_city(two_cities):
    """A job id paired with another city's id is not rendered for that city."""
    ichinoseki, yamaguchi = two_cities
    with tenancy.city_scope(yamaguchi):
        job = ReportJob.objects.create()
    with pytest.raises(ReportJob.DoesNotExist):
        contextvars.Context().run(render_city_report.call, job.pk, ichinoseki.pk)
    with tenancy.city_scope(yamaguchi):
        job.refresh_from_db()
    assert (job.status, job.file.name) == (ReportJob.Status.QUEUED, "")


def test_the_database_queue_worker_renders_each_job_for_its_city(two_cities, settings, monkeypatch):
    """With django-tasks-db: the job is queued with its city's id; the worker runs it later."""
    ichinoseki, yamaguchi = two_cities
    # The worker closes connections it finds in a transaction: the test's own, on PostgreSQL.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    own = request_city_report(actor=None)
    other = request_city_report(actor=None, city=yamaguchi)
    assert own.status == ReportJob.Status.QUEUED
    queued = sorted(DBTaskResult.objects.values_list("args_kwargs", flat=True), key=str)
    assert queued == sorted(
        [
            {"args": [own.pk, ichinoseki.pk], "kwargs": {}},
            {"args": [other.pk, yamaguchi.pk], "kwargs": {}},
        ],
        key=str,
    )
    # The worker runs with no city in force, as `manage.py db_worker` does.
    contextvars.Context().run(call_command, "db_worker", "--batch", "--max-tasks", "2")

    own.refresh_from_db()
    with tenancy.city_scope(yamaguchi):
        other.refresh_from_db()
    assert (own.status, other.status) == (ReportJob.Status.DONE, ReportJob.Status.DONE)
    assert "山目地域協働体" in pdf_text(own) and "大殿" not in pdf_text(own)
    assert "大殿地域づくり協議会" in pdf_text(other) and "山目" not in pdf_text(other)
