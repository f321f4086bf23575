"""Form data and URLs for walking the lifecycle over HTTP with the test client."""

from datetime import date

from django.urls import reverse

from .lifecycle import END, START, YEAR


def application_data(world, *, amount="120,000", lines=None, action="confirm", **overrides):
    lines = lines if lines is not None else [(world.juyohi.pk, "防災マップの印刷", "120000")]
    data = {
        "programme": world.programme.pk,
        "fiscal_year": YEAR,
        "title": "防災マップの作成",
        "purpose": "地区の危険箇所を確認し、防災マップを配布する。",
        "work_starts_on": START.isoformat(),
        "work_ends_on": END.isoformat(),
        "requested_amount": amount,
        action: "1",
    }
    data.update(lines_data(lines))
    data.update(overrides)
    return data


def lines_data(lines, prefix="lines", total=None):
    total = total if total is not None else max(len(lines), 1)
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, (category, description, amount) in enumerate(lines):
        data[f"{prefix}-{index}-category"] = category
        data[f"{prefix}-{index}-description"] = description
        data[f"{prefix}-{index}-amount"] = amount
    return data


def report_form_data(lines, *, grant, own="0", text="実施しました。", **overrides):
    """The 実績報告 page's POST: the work completed today (confirmed, as the planned end
    is later), the actual ``lines`` and the income (the grant and own funds)."""
    data = {
        "report_text": text,
        "completed_on": date.today().isoformat(),
        "confirm_early": "on",
        "grant_income": grant,
        "own_funds": own,
        "other_income": "",
        "other_income_note": "",
    }
    data.update(lines_data(lines))
    data.update(overrides)
    return data


def portal(name, *args):
    return reverse(f"subsidies_portal:{name}", args=args)


def transition_url(application, action):
    return reverse("admin:subsidies_application_transition", args=[application.pk, action])


def staff_post(client, application, action, **data):
    return client.post(transition_url(application, action), data)
