"""Management commands carry their city: ``--city`` picks it, nothing else does."""

import contextvars
import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from core import tenancy
from reports.models import ReportJob
from tests.cities import make_city
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def yamaguchi(city):
    CouncilFactory(name="山目地域協働体")
    other = make_city("yamaguchi")
    with tenancy.city_scope(other):
        CouncilFactory(name="大殿地域づくり協議会")
    return other


def run(*args) -> str:
    """Run a command as manage.py does: in a context with no city in force."""
    out = io.StringIO()
    contextvars.Context().run(call_command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def jobs_of(city) -> list[ReportJob]:
    with tenancy.city_scope(city):
        return list(ReportJob.objects.order_by("pk"))


def pdf_text(job: ReportJob) -> str:
    with job.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages)


def test_unknown_city_is_refused_in_japanese_with_the_cities_to_choose_from(yamaguchi):
    with pytest.raises(CommandError) as error:
        run("city_report", "--city", "morioka")
    assert str(error.value) == (
        "自治体「morioka」は見つかりません。--city には識別名か全国地方公共団体コード（6桁）を"
        "指定してください。指定できる自治体: ichinoseki（一関市・032093）、"
        "yamaguchi（山口市・352039）"
    )
    with pytest.raises(CommandError, match="自治体「032018」は見つかりません"):
        run("city_report", "--city", "032018")
    assert jobs_of(yamaguchi) == [] and list(ReportJob.objects.all()) == []


def test_a_city_is_required(yamaguchi):
    with pytest.raises(CommandError, match="--city"):
        run("city_report")
    assert list(ReportJob.objects.all()) == []


def test_the_command_works_for_its_city_only(city, yamaguchi):
    output = run("city_report", "--city", "yamaguchi")
    (job,) = jobs_of(yamaguchi)
    assert output == (
        f"山口市: 「全地域づくり協議会の状況（一括PDF）」を受け付けました（完了）: {job.file.name}\n"
    )
    text = pdf_text(job)
    assert "大殿地域づくり協議会" in text and "山目" not in text
    assert jobs_of(city) == []


def test_the_city_may_be_named_by_its_local_government_code(city, yamaguchi):
    run("city_report", "--city", "032093")
    (job,) = jobs_of(city)
    assert (job.title, job.progress_total) == ("全地域協働体の状況（一括PDF）", 1)
    assert "山目地域協働体" in pdf_text(job) and "大殿" not in pdf_text(job)
    assert jobs_of(yamaguchi) == []


def test_all_cities_runs_once_for_each_city_in_its_own_scope(city, yamaguchi):
    output = run("city_report", "--all-cities")
    (own,) = jobs_of(city)
    (other,) = jobs_of(yamaguchi)
    assert output.splitlines() == [
        f"一関市: 「全地域協働体の状況（一括PDF）」を受け付けました（完了）: {own.file.name}",
        f"山口市: 「全地域づくり協議会の状況（一括PDF）」を受け付けました（完了）: "
        f"{other.file.name}",
    ]
    assert "山目地域協働体" in pdf_text(own) and "大殿" not in pdf_text(own)
    assert "大殿地域づくり協議会" in pdf_text(other) and "山目" not in pdf_text(other)


def test_the_requesting_user_must_belong_to_the_city(city, yamaguchi):
    UserFactory(username="ichinoseki-clerk", municipality=city, is_staff=True)
    with pytest.raises(CommandError) as error:
        run("city_report", "--city", "yamaguchi", "--user", "ichinoseki-clerk")
    assert str(error.value) == "山口市の利用者「ichinoseki-clerk」は見つかりません。"
    assert jobs_of(yamaguchi) == []

    run("city_report", "--city", "ichinoseki", "--user", "ichinoseki-clerk")
    (job,) = jobs_of(city)
    assert job.requested_by.username == "ichinoseki-clerk"
