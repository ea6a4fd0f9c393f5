package gwg

import (
	"strings"
	"testing"
)

func TestParseSpecCanonical(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"gwg", "gwg"},
		{" gwg ", "gwg"},
		{"gwg-1", "gwg"},
		{"gwg:k=1", "gwg"},
		{"gwg:k=3", "gwg-3"},
		{"gwg-3", "gwg-3"},
		{"gwg:tau=2", "gwg"},
		{"gwg:tau=1", "gwg:tau=1"},
		{"gwg-3:tau=0.5", "gwg-3:tau=0.5"},
		{"gwg-exact-5", "gwg-exact-5"},
		{"gwg-exact:k=5", "gwg-exact-5"},
		{"dmala:step=0.2", "dmala"},
		{"dmala:step=0.5, tau=1", "dmala:tau=1,step=0.5"},
		{"dula", "dula"},
		{"hb-10-1", "hb-10-1"},
		{"hb:b=10,h=1", "hb-10-1"},
		{"bg-2", "bg-2"},
		{"rand-gibbs", "rand-gibbs"},
		{"gwg-barker", "gwg-barker"},
	} {
		sp, err := ParseSpec(tc.in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tc.in, err)
			continue
		}
		if got := sp.String(); got != tc.want {
			t.Errorf("ParseSpec(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
	sp := MustParseSpec("hb-10-1")
	if sp.Name() != "hb" || sp.Int("b") != 10 || sp.Int("h") != 1 {
		t.Errorf("hb-10-1: name %q, b %d, h %d", sp.Name(), sp.Int("b"), sp.Int("h"))
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "unknown sampler"},
		{"hmc", "known: bg-b, dmala, dula, gibbs, gwg-k, gwg-barker, gwg-exact-k, hb-b-h, rand-gibbs, rbm-gibbs"},
		{"gwg:temp=1", "unknown option \"temp\" (valid: k, tau)"},
		{"gibbs:tau=1", "gibbs takes none"},
		{"gwg:tau", "not key=value"},
		{"gwg:tau=x", "tau = \"x\" is not a number"},
		{"gwg:tau=0", "tau = 0, want a number > 0"},
		{"gwg:tau=1,tau=2", "tau given twice"},
		{"gwg-9", "k = 9, want an integer >= 1 and <= 8"},
		{"gwg-2.5", "want an integer"},
		{"gwg-3-4", "at most 1 (gwg-k)"},
		{"gwg-exact", "k is required (gwg-exact-k)"},
		{"hb-10", "h is required (hb-b-h)"},
		{"dmala:step=-1", "step = -1"},
		{"dula:step=Inf", "step = +Inf"},
	} {
		_, err := ParseSpec(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseSpec(%q) = %v, want one line containing %q", tc.in, err, tc.want)
		}
	}
}

func TestHelpListsEverySampler(t *testing.T) {
	h := Help()
	for _, r := range Registered() {
		if !strings.Contains(h, r.usage()) || !strings.Contains(h, r.Doc) {
			t.Errorf("Help does not list %s", r.Name)
		}
	}
	for _, name := range Names() {
		if _, err := ParseSpec(name); err != nil {
			t.Errorf("example %q does not parse: %v", name, err)
		}
	}
}

// FuzzParseSpec: every spec that parses has a canonical form that parses
// to itself, and no input panics.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"gwg", "gwg-3:tau=0.5", "hb-10-1", "dmala:step=0.2,tau=1", "gwg-exact:k=2", "bg-", "x:y=z", "gwg:=", "hb--1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			return
		}
		again, err := ParseSpec(sp.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", sp.String(), s, err)
		}
		if again.String() != sp.String() {
			t.Fatalf("canonical form of %q: %q, then %q", s, sp.String(), again.String())
		}
	})
}
