// Package api is hookflow's HTTP surface and the only package that imports
// echo. routes.go registers every route in one place; each resource has its
// own file; errors.go holds the single error handler that maps every domain
// error to a status and the error envelope
// {"errors": [{"message", "extensions": {"code", …}}]}.
//
// Handlers hold no business rules: they decode, call the domain packages and
// encode.
package api
