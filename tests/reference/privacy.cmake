# Accountant values from Opacus, dp_accounting and Gaussian-mechanism closed forms.
saddle_add_test(saddle_reference_privacy SOURCES test_privacy_reference.cpp LABELS reference)
