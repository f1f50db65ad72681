# Fairness problems (issue 6): ERMI against closed forms.
saddle_add_test(saddle_reference_problems SOURCES test_problems_reference.cpp LABELS reference)
