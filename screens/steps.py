"""Provides the three screening steps after intake, each a form with its own inline errors.

Consent, Level of Need and Decision are separate steps because each is recorded
(and audited) on its own; the contact screen shows them as tabs and saves one at a
time through the service layer.
"""

from __future__ import annotations

from .step_consent import ConsentForm
from .step_decision import DecisionForm
from .step_form import StepForm
from .step_level import LevelForm

__all__ = ["ConsentForm", "DecisionForm", "LevelForm", "StepForm"]
