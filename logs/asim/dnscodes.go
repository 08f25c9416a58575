package asim

import (
	"strconv"
	"strings"
)

// RcodeNames are DNS response codes (IANA DNS RCODEs 0-10).
var RcodeNames = []string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"}

// RcodeName returns the name of a numeric response code, or "".
func RcodeName(code string) string {
	n, err := strconv.Atoi(code)
	if err != nil || n < 0 || n >= len(RcodeNames) {
		return ""
	}
	return RcodeNames[n]
}

// RcodeNumber returns the number of a response code name, or "".
func RcodeNumber(name string) string {
	for i, n := range RcodeNames {
		if strings.EqualFold(n, name) {
			return strconv.Itoa(i)
		}
	}
	return ""
}

// qtypes are common DNS query types (IANA DNS parameters).
var qtypes = map[string]int{
	"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15, "TXT": 16, "AAAA": 28,
	"SRV": 33, "NAPTR": 35, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "SVCB": 64, "HTTPS": 65,
	"SPF": 99, "AXFR": 252, "IXFR": 251, "ANY": 255, "CAA": 257,
}

// QtypeNumber returns the number of a query type name, or "".
func QtypeNumber(name string) string {
	if n, ok := qtypes[strings.ToUpper(name)]; ok {
		return strconv.Itoa(n)
	}
	return ""
}

// QtypeName returns the name of a numeric query type, or "".
func QtypeName(code string) string {
	n, err := strconv.Atoi(code)
	if err != nil {
		return ""
	}
	for k, v := range qtypes {
		if v == n {
			return k
		}
	}
	return ""
}

// SetDNSResult sets DnsResponseCode, EventResultDetails (the code name,
// which _Im_Dns(responsecodename=...) filters) and EventResult.
func SetDNSResult(b *Builder, code, name string) {
	if code == "" {
		code = RcodeNumber(name)
	}
	if name == "" {
		name = RcodeName(code)
	}
	b.SetN(NDnsResponseCode, code)
	b.SetN(NEventResultDetails, strings.ToUpper(name))
	switch {
	case code == "0":
		b.SetN(NEventResult, "Success")
	case code != "":
		b.SetN(NEventResult, "Failure")
	}
}
