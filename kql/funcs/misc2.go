package funcs

// addMisc2 registers the functions of the misc2_*.go files.
func addMisc2(r *Registry) {
	addMisc2Convert(r)
	addMisc2Env(r)
	addMisc2Beta(r)
	addMisc2BuildSchema(r)
}
