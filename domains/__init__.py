"""The case types: reports (Mängelmeldungen), permits (Sondernutzungen, Parkausweise),
accessibility feedback. Independent of each other."""
