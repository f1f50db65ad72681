# Privacy accounting (RDP, ledger, PLD) and secure noise.
saddle_add_test(saddle_unit_privacy
  SOURCES test_accounting_rdp.cpp test_accounting_pld.cpp test_secure_gaussian.cpp
  LABELS unit)
