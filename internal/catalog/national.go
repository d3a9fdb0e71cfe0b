package catalog

// national declares the per-country datasets (emissions, energy, forests).
var national = []Dataset{}
