"""WTForms classes: each form accepts only its own fields (no mass assignment)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.accounts import AVATARS, KIDS_LIMITS, LANGUAGES, PASSWORD_MAX, PASSWORD_MIN

ADULT_LIMIT = 18
KIDS_DEFAULT_LIMIT = 7


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class SignupForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                               message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(min=1, max=40)])
    avatar = RadioField("Avatar", choices=[(a, a.title()) for a in AVATARS], default="amber")
    language = SelectField("Language", choices=list(LANGUAGES.items()), default="en")
    is_kids = BooleanField("Kids profile")
    # An adult profile sees everything (18+); kids profiles choose one of KIDS_LIMITS.
    maturity_limit = SelectField(
        "Maturity limit", coerce=int, default=ADULT_LIMIT,
        choices=[(ADULT_LIMIT, "All maturity ratings (18+)")]
        + [(age, "All ages" if age == 0 else f"Up to {age}+") for age in KIDS_LIMITS])
    pin = PasswordField("Profile PIN (4 digits, optional)",
                        validators=[Optional(), Regexp(r"^\d{4}$", message="A PIN is 4 digits.")])
    clear_pin = BooleanField("Remove the PIN")

    def chosen_limit(self) -> int:
        """The limit to save: a kids profile left on "all ratings" gets the kids default."""
        limit = self.maturity_limit.data
        if self.is_kids.data and limit not in KIDS_LIMITS:
            return KIDS_DEFAULT_LIMIT
        return limit


class PinForm(FlaskForm):
    pin = PasswordField("PIN", validators=[DataRequired(), Regexp(r"^\d{4}$")])


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons that post."""
