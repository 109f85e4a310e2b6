package api

import (
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// listCollections serves GET /collections.
func (s *server) listCollections(c echo.Context) error {
	list, err := s.Store.ListCollections(c.Request().Context())
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, list)
}

// getCollection serves GET /collections/{collection}.
func (s *server) getCollection(c echo.Context) error {
	col, err := s.Store.GetCollection(c.Request().Context(), c.Param("collection"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, col)
}

// createCollection serves POST /collections: {"collection": "orders",
// "schema": <JSON Schema>, "indexes": ["status", ["status", "created"]]}.
// Other members (Directus's meta, fields) are ignored.
func (s *server) createCollection(c echo.Context) error {
	body, err := readObject(c)
	if err != nil {
		return err
	}
	name, _ := body["collection"].(string)
	if name == "" {
		return badRequest("INVALID_PAYLOAD", `"collection" is required: the collection's name`)
	}
	indexes, err := indexSpecs(body["indexes"])
	if err != nil {
		return err
	}
	col, err := s.Store.CreateCollection(c.Request().Context(), storage.Collection{Name: name, Schema: body["schema"], Indexes: indexes})
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, col)
}

// updateCollection serves PATCH /collections/{collection}: a new "schema"
// (null removes it) and/or "indexes".
func (s *server) updateCollection(c echo.Context) error {
	body, err := readObject(c)
	if err != nil {
		return err
	}
	var patch storage.CollectionPatch
	if v, ok := body["schema"]; ok {
		patch.Schema, patch.HasSchema = v, true
	}
	if v, ok := body["indexes"]; ok {
		if patch.Indexes, err = indexSpecs(v); err != nil {
			return err
		}
		patch.HasIndexes = true
	}
	col, err := s.Store.UpdateCollection(c.Request().Context(), c.Param("collection"), patch)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, col)
}

// deleteCollection serves DELETE /collections/{collection}: the collection
// and all its items.
func (s *server) deleteCollection(c echo.Context) error {
	if err := s.Store.DeleteCollection(c.Request().Context(), c.Param("collection")); err != nil {
		return err
	}
	return noContent(c)
}

// indexSpecs reads "indexes": a list whose items are a field or a list of
// fields.
func indexSpecs(v any) ([][]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, badRequest("INVALID_PAYLOAD", `"indexes" must be a list of fields or lists of fields`)
	}
	out := make([][]string, len(list))
	for i, e := range list {
		switch x := e.(type) {
		case string:
			out[i] = []string{x}
		case []any:
			for _, f := range x {
				name, isStr := f.(string)
				if !isStr {
					return nil, badRequest("INVALID_PAYLOAD", fmt.Sprintf("indexes[%d] must list field names", i))
				}
				out[i] = append(out[i], name)
			}
		default:
			return nil, badRequest("INVALID_PAYLOAD", fmt.Sprintf("indexes[%d] must be a field or a list of fields", i))
		}
	}
	return out, nil
}
