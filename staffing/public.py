"""The liaison on the public council page: the department only, never a name or contact."""

from .selectors import public_liaison_department


def council_sections(council) -> list[dict]:
    department = public_liaison_department(council)
    if not department:
        return []
    return [{"template": "staffing/public/_council_section.html", "department": department}]
