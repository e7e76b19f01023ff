// Package referral is the single definition of the Notifiable (Serious)
// Incident Referral Form (Appendix 1 of the CSPR procedure): the criteria
// boxes and sections 1 to 12, their printed labels, the closed lists, and
// the rules a complete referral meets.
//
// Everything that reads or shows the form works from this package: the
// Word and text readers, the web pages, the blank Word form and the
// messages sent back to referrers. The package knows nothing of AWS, storage
// or e-mail.
//
// A referral is checked in two steps. Normalize tidies what people write
// (dates such as "14th Mar 2026", ticks such as "☒", options in any case)
// without losing anything it cannot read; Validate then returns Problems,
// each naming a section, a field and what to do, in words a referrer
// understands. Check does both. Problems are data: an incomplete referral
// is still stored and the referrer is told exactly what to add.
package referral
