package funcs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// String operator helpers with Kusto's semantics. None of them allocate.
//
// Term model (datatypes-string-operators.md, "What is a term?"): a string
// is split into maximal runs of alphanumeric characters; everything else is
// a delimiter. A character is alphanumeric when it is an ASCII letter or
// digit, or a non-ASCII rune that unicode classifies as a letter or digit.
//
// has / hasprefix / hassuffix with a needle that itself contains
// delimiters (`has "sls.in.net"`, `has "10.1.2.3"`) match the needle as a
// substring whose ends are aligned to term boundaries: where the needle
// starts with an alphanumeric character the haystack must not continue a
// term just before the match, and where it ends with one the haystack must
// not continue a term just after it. A needle edge that is a delimiter
// needs no alignment (`"cmd.exe" has ".exe"` is true). hasprefix only
// aligns the start, hassuffix only the end.
//
// Case-insensitive operators fold ASCII letters only, as Kusto documents
// ("case-insensitive operators are currently supported only for ASCII
// text"): `"Ä" =~ "ä"` is false.
//
// An empty needle matches every haystack (it is a substring, prefix and
// suffix of everything, and a zero-width match has no term to split).

// lowerASCII folds an ASCII upper-case letter to lower case.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// isAlnumASCII reports whether c is an ASCII letter or digit.
func isAlnumASCII(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// isAlnumRune reports whether r is a term character.
func isAlnumRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnumASCII(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// alnumAt reports whether the character starting at byte i of s is a term
// character. i must be < len(s).
func alnumAt(s string, i int) bool {
	c := s[i]
	if c < utf8.RuneSelf {
		return isAlnumASCII(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isAlnumRune(r)
}

// alnumBefore reports whether the character ending just before byte i of s
// is a term character; false at the start of s.
func alnumBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	c := s[i-1]
	if c < utf8.RuneSelf {
		return isAlnumASCII(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isAlnumRune(r)
}

// EqualFold reports whether a and b are equal with ASCII letters folded
// (the `=~` operator). Non-ASCII bytes must match exactly.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// indexFold returns the index of the first ASCII-case-insensitive
// occurrence of needle in s at or after byte from, or -1.
func indexFold(s, needle string, from int) int {
	n := len(needle)
	if n == 0 {
		if from <= len(s) {
			return from
		}
		return -1
	}
	c0 := needle[0]
	lo, up := lowerASCII(c0), c0
	if 'a' <= lo && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	last := len(s) - n
	if lo == up {
		for i := from; i <= last; i++ {
			j := strings.IndexByte(s[i:last+1], lo)
			if j < 0 {
				return -1
			}
			i += j
			if EqualFold(s[i+1:i+n], needle[1:]) {
				return i
			}
		}
		return -1
	}
	// Track the next occurrence of each case separately so a frequent
	// case does not make us rescan for the rare one (linear overall).
	nextLo, nextUp := -2, -2 // -2: not searched yet at this offset; -1: none left
	for i := from; i <= last; i++ {
		if nextLo != -1 && nextLo < i {
			nextLo = nextIndex(s, lo, i, last)
		}
		if nextUp != -1 && nextUp < i {
			nextUp = nextIndex(s, up, i, last)
		}
		switch {
		case nextLo < 0 && nextUp < 0:
			return -1
		case nextLo < 0:
			i = nextUp
		case nextUp < 0:
			i = nextLo
		default:
			i = min(nextLo, nextUp)
		}
		if EqualFold(s[i+1:i+n], needle[1:]) {
			return i
		}
	}
	return -1
}

// nextIndex returns the index of byte c in s[from:last+1] (as an index of
// s), or -1.
func nextIndex(s string, c byte, from, last int) int {
	j := strings.IndexByte(s[from:last+1], c)
	if j < 0 {
		return -1
	}
	return from + j
}

// indexCS is strings.Index starting at from.
func indexCS(s, needle string, from int) int {
	if from > len(s) {
		return -1
	}
	j := strings.Index(s[from:], needle)
	if j < 0 {
		return -1
	}
	return from + j
}

// Contains reports whether needle is a substring of s, ASCII case folded
// (the `contains` operator).
func Contains(s, needle string) bool { return indexFold(s, needle, 0) >= 0 }

// ContainsCS reports whether needle is a substring of s (`contains_cs`).
func ContainsCS(s, needle string) bool { return strings.Contains(s, needle) }

// StartsWith reports whether s starts with prefix, ASCII case folded.
func StartsWith(s, prefix string) bool {
	return len(s) >= len(prefix) && EqualFold(s[:len(prefix)], prefix)
}

// StartsWithCS reports whether s starts with prefix (`startswith_cs`).
func StartsWithCS(s, prefix string) bool { return strings.HasPrefix(s, prefix) }

// EndsWith reports whether s ends with suffix, ASCII case folded.
func EndsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && EqualFold(s[len(s)-len(suffix):], suffix)
}

// EndsWithCS reports whether s ends with suffix (`endswith_cs`).
func EndsWithCS(s, suffix string) bool { return strings.HasSuffix(s, suffix) }

// Alignment flags for term matching.
const (
	alignStart = 1 << iota
	alignEnd
)

// termMatch finds needle in s at a position satisfying the alignment
// rules; align says which ends are checked.
func termMatch(s, needle string, align int, fold bool) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	checkStart := align&alignStart != 0 && alnumAt(needle, 0)
	checkEnd := align&alignEnd != 0 && alnumBefore(needle, n)
	for i := 0; ; i++ {
		if fold {
			i = indexFold(s, needle, i)
		} else {
			i = indexCS(s, needle, i)
		}
		if i < 0 {
			return false
		}
		if checkStart && alnumBefore(s, i) {
			continue
		}
		if checkEnd && i+n < len(s) && alnumAt(s, i+n) {
			continue
		}
		return true
	}
}

// Has reports whether needle is a whole term (or a term-aligned run of
// terms) of s, ASCII case folded (the `has` operator).
func Has(s, needle string) bool { return termMatch(s, needle, alignStart|alignEnd, true) }

// HasCS is the case-sensitive Has (`has_cs`).
func HasCS(s, needle string) bool { return termMatch(s, needle, alignStart|alignEnd, false) }

// HasPrefix reports whether some term of s starts with needle, ASCII case
// folded (`hasprefix`).
func HasPrefix(s, needle string) bool { return termMatch(s, needle, alignStart, true) }

// HasPrefixCS is the case-sensitive HasPrefix (`hasprefix_cs`).
func HasPrefixCS(s, needle string) bool { return termMatch(s, needle, alignStart, false) }

// HasSuffix reports whether some term of s ends with needle, ASCII case
// folded (`hassuffix`).
func HasSuffix(s, needle string) bool { return termMatch(s, needle, alignEnd, true) }

// HasSuffixCS is the case-sensitive HasSuffix (`hassuffix_cs`).
func HasSuffixCS(s, needle string) bool { return termMatch(s, needle, alignEnd, false) }

// asciiLower lower-cases ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// asciiUpper upper-cases ASCII letters only.
func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
