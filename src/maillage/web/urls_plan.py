"""URLs of the plan pages: tree, indicators, journal, schedule, the bilan and the COPIL."""

from django.urls import path

from .views import (
    copil,
    plan,
    plan_attachments,
    plan_gaps,
    plan_journal_years,
    plan_progress,
    plan_table,
)

T = "territoire/<slug:slug>/"

urlpatterns = [
    path(f"{T}plan/", plan.plan_page, name="plan"),
    path(f"{T}indicateurs/", plan.indicators_page, name="plan-indicators"),
    path(f"{T}indicateurs/<id:pk>/", plan.indicator_page, name="plan-indicator"),
    path(f"{T}indicateurs/<id:pk>/tendance.svg", plan.indicator_chart, name="plan-indicator-chart"),
    path(
        f"{T}indicateurs/<id:pk>/trimestres.svg",
        plan_progress.indicator_quarters_chart,
        name="plan-indicator-quarters",
    ),
    path(f"{T}indicateurs/<id:pk>/cibles/", plan.indicator_edit, name="plan-indicator-edit"),
    path(f"{T}journal/", plan.journal_page, name="plan-journal"),
    path(f"{T}journal/carte.geojson", plan.journal_geojson, name="plan-journal-geojson"),
    path(
        f"{T}journal/annees/",
        plan_journal_years.journal_year_update,
        name="plan-journal-year",
    ),
    path(f"{T}journal/nouvelle/", plan.activity_new, name="plan-activity-new"),
    path(f"{T}journal/import/", plan.journal_import, name="plan-journal-import"),
    path(f"{T}journal/export.<str:fmt>", plan.journal_export, name="plan-journal-export"),
    path(f"{T}journal/modele.<str:fmt>", plan.journal_template, name="plan-journal-template"),
    path(f"{T}journal/<id:pk>/", plan.activity_page, name="plan-activity"),
    path(f"{T}journal/<id:pk>/modifier/", plan.activity_edit, name="plan-activity-edit"),
    path(f"{T}journal/<id:pk>/supprimer/", plan.activity_delete, name="plan-activity-delete"),
    path(f"{T}journal/<id:pk>/manques/", plan_gaps.activity_gaps, name="plan-activity-gaps"),
    path(f"{T}echeancier/<id:pk>/manques/", plan_gaps.milestone_gaps, name="plan-milestone-gaps"),
    path(f"{T}manques/<id:pk>/retirer/", plan_gaps.gap_unlink, name="plan-gap-unlink"),
    path(
        f"{T}journal/pieces-jointes/<id:pk>/",
        plan_attachments.attachment_download,
        name="plan-attachment",
    ),
    path(f"{T}echeancier/", plan.schedule_page, name="plan-schedule"),
    path(f"{T}echeancier/frise/", plan_table.schedule_timeline, name="plan-timeline"),
    path(f"{T}echeances.ics", plan_table.schedule_ics, name="plan-schedule-ics"),
    path(f"{T}plan/tableau/", plan_table.actions_table, name="plan-table"),
    path(f"{T}plan/tableau.<str:fmt>", plan_table.actions_export, name="plan-table-export"),
    path(f"{T}echeancier/nouvelle/", plan.milestone_edit, name="plan-milestone-new"),
    path(f"{T}echeancier/<id:pk>/", plan.milestone_edit, name="plan-milestone-edit"),
    path(f"{T}bilan/", plan.bilan_page, name="plan-bilan-page"),
    path(f"{T}bilan.<str:fmt>", plan.bilan_download, name="plan-bilan"),
    path(f"{T}copil/", copil.copil_list, name="plan-copil"),
    path(f"{T}copil/nouveau/", copil.copil_new, name="plan-copil-new"),
    path(f"{T}copil/diaporama.<str:fmt>", copil.copil_deck, name="plan-copil-deck"),
    path(f"{T}copil/<id:pk>/", copil.copil_meeting, name="plan-copil-meeting"),
    path(f"{T}copil/<id:pk>/modifier/", copil.copil_edit, name="plan-copil-edit"),
    path(f"{T}copil/<id:pk>/decisions/", copil.copil_decision_new, name="plan-copil-decision-new"),
    path(
        f"{T}copil/decisions/<id:pk>/echeance/",
        copil.copil_decision_milestone,
        name="plan-copil-decision-milestone",
    ),
]
