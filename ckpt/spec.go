package ckpt

import (
	"fmt"
	"reflect"

	"github.com/vmihailenco/msgpack/v5"
)

// Shape is the layout of one example of the data a model was made for:
// Height × Width sites, row-major, each taking one of Categories values
// (2 for binary data). Data that is not an image has Height 1. The zero
// Shape means a checkpoint written before shapes were stored.
type Shape struct {
	Height     int `msgpack:"height" json:"height"`
	Width      int `msgpack:"width" json:"width"`
	Categories int `msgpack:"categories" json:"categories"`
}

// Sites is the number of variables of one example.
func (s Shape) Sites() int { return s.Height * s.Width }

// SetConfig stores the fields of v, a struct of ints, floats and strings
// (or a pointer to one), in the spec's typed maps under their msgpack names,
// so that a model package can keep its configuration struct as the one list
// of its settings. Fields that the struct's tags omit when empty are left
// out. Values already in the maps under other names stay.
func (s *ModelSpec) SetConfig(v any) error {
	b, err := msgpack.Marshal(v)
	if err != nil {
		return fmt.Errorf("ckpt: model configuration: %w", err)
	}
	var m map[string]any
	if err := msgpack.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("ckpt: model configuration %T is not a struct: %w", v, err)
	}
	for k, x := range m {
		switch r := reflect.ValueOf(x); r.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			setKey(&s.Ints, k, int(r.Int()))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			setKey(&s.Ints, k, int(r.Uint()))
		case reflect.Float32, reflect.Float64:
			setKey(&s.Floats, k, r.Float())
		case reflect.String:
			setKey(&s.Strings, k, r.String())
		default:
			return fmt.Errorf("ckpt: model configuration field %q is a %T; want an int, float or string", k, x)
		}
	}
	return nil
}

func setKey[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

// DecodeConfig fills v, a pointer to a struct, from the spec's typed maps by
// the struct's msgpack names: the inverse of SetConfig. Names missing from
// the maps leave their fields as they are, names without a field are ignored.
func (s *ModelSpec) DecodeConfig(v any) error {
	m := make(map[string]any, len(s.Ints)+len(s.Floats)+len(s.Strings))
	for k, x := range s.Ints {
		m[k] = x
	}
	for k, x := range s.Floats {
		m[k] = x
	}
	for k, x := range s.Strings {
		m[k] = x
	}
	b, err := msgpack.Marshal(m)
	if err != nil {
		return fmt.Errorf("ckpt: model configuration: %w", err)
	}
	if err := msgpack.Unmarshal(b, v); err != nil {
		return fmt.Errorf("ckpt: decoding the %s model configuration: %w", s.Kind, err)
	}
	return nil
}
