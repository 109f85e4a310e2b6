// Package api is hookflow's HTTP surface and the only package that imports
// echo. routes.go registers every route in one place; each resource has its
// own file; errors.go holds the single error handler that maps every domain
// error to a status and the error envelope
// {"errors": [{"message", "extensions": {"code", …}}]}. The route table
// says which permission each route needs; auth.go identifies the caller and
// guards the routes, rate_limit.go applies the server-wide rate limit.
//
// Handlers hold no business rules: they decode, call the domain packages and
// encode.
package api
