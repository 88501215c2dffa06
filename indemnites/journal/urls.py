from django.urls import path

from indemnites.journal import views

app_name = "journal"

urlpatterns = [
    path("compte/consultations", views.ConsultationsView.as_view(), name="consultations"),
    path("compte/consultations.csv", views.ConsultationsCsvView.as_view(), name="consultations-csv"),
    path("journal/export", views.ExportView.as_view(), name="export"),
    path("journal/cle-publique", views.cle_publique_view, name="cle-publique"),
]
