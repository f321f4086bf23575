"""Model fields and constraint helpers shared by the subsidies models."""

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from core.validators import MAX_YEN, MaxYenValidator


def validate_not_negative(value):
    if value is not None and value < 0:
        raise ValidationError(
            "金額は0円以上で入力してください。", code="negative_amount", params={"value": value}
        )


class YenField(models.BigIntegerField):
    """Whole yen, never negative and at most ``core.validators.MAX_YEN``, in a 64-bit column.

    Unlike IntegerField, refuses 1.5 (or "1.5") instead of truncating it to 1.
    """

    default_validators = [validate_not_negative, MaxYenValidator()]
    default_error_messages = {"invalid": "金額は円単位の整数で入力してください。"}

    def to_python(self, value):
        if isinstance(value, float | Decimal | Fraction) and value != int(value):
            raise ValidationError(self.error_messages["invalid"], code="non_integer_amount")
        if isinstance(value, str):
            try:
                return int(value.strip().replace(",", ""))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid"], code="non_integer_amount"
                ) from None
        return super().to_python(value)

    def formfield(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"invalid": self.error_messages["invalid"], "max_value": MaxYenValidator.message},
        )
        kwargs.setdefault("max_value", MAX_YEN)
        return super().formfield(**kwargs)


def not_negative(field: str, name: str, label: str) -> models.CheckConstraint:
    """A nullable yen amount that, when set, is 0 or more."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
        name=name,
        violation_error_message=f"{label}は0円以上で入力してください。",
        violation_error_code="negative_amount",
    )


def move_to_fields(error: ValidationError, fields_by_code: dict[str, str]) -> ValidationError:
    """Key constraint errors by the field they are about, so forms show them in place."""
    errors = error.update_error_dict({})
    remaining = []
    for item in errors.pop(NON_FIELD_ERRORS, []):
        field = fields_by_code.get(item.code)
        if field:
            errors.setdefault(field, []).append(item)
        else:
            remaining.append(item)
    if remaining:
        errors[NON_FIELD_ERRORS] = remaining
    return ValidationError(errors)
