from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis


def no_diagnosis_for(job_seeker) -> None:
    """Remove the job seeker's diagnoses (whether or not a factory gave one by default)."""
    EligibilityDiagnosis.objects.filter(job_seeker=job_seeker).delete()
    GEIQEligibilityDiagnosis.objects.filter(job_seeker=job_seeker).delete()
