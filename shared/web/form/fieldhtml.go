package form

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// HTML writes a question's markup (GOV.UK Design System: text input,
// textarea with character count, date input, radios or checkboxes with
// conditional reveals, a single tick box). It is Go rather than a
// template because a page holds up to a hundred questions and
// html/template's reflection made the largest page take 2 ms; every value
// is escaped here with html.EscapeString.
func (fv *fieldView) HTML() template.HTML {
	var b strings.Builder
	b.Grow(1024)
	fv.write(&b)
	return template.HTML(b.String()) // every value is escaped as written
}

func (fv *fieldView) write(b *strings.Builder) {
	e := html.EscapeString
	group := func() {
		b.WriteString(`<div class="govuk-form-group`)
		if fv.Error != "" {
			b.WriteString(` govuk-form-group--error`)
		}
	}
	errorMsg := func() {
		if fv.Error != "" {
			b.WriteString(`<p id="` + e(fv.ID) + `-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ` + e(fv.Error) + `</p>`)
		}
	}
	errClass := func(class string) string {
		if fv.Error != "" {
			return " " + class
		}
		return ""
	}
	id, name := e(fv.ID), e(fv.Name)
	switch fv.Kind {
	case "date":
		group()
		b.WriteString(`"><fieldset class="govuk-fieldset" role="group" aria-describedby="` + id + `-hint`)
		if fv.Error != "" {
			b.WriteString(` ` + id + `-error`)
		}
		b.WriteString(`"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">` + e(fv.Label) + `</legend>`)
		b.WriteString(`<div id="` + id + `-hint" class="govuk-hint">For example, 27 3 2026</div>`)
		errorMsg()
		b.WriteString(`<div class="govuk-date-input" id="` + id + `">`)
		for _, part := range []struct{ key, label, value, width string }{
			{"day", "Day", fv.Day, "2"}, {"month", "Month", fv.Month, "2"}, {"year", "Year", fv.Year, "4"},
		} {
			b.WriteString(`<div class="govuk-date-input__item"><div class="govuk-form-group"><label class="govuk-label govuk-date-input__label" for="` + id + `-` + part.key + `">` + part.label + `</label>`)
			b.WriteString(`<input class="govuk-input govuk-date-input__input govuk-input--width-` + part.width + errClass("govuk-input--error") + `" id="` + id + `-` + part.key +
				`" name="` + name + `.` + part.key + `" type="text" inputmode="numeric" value="` + e(part.value) + `"></div></div>`)
		}
		b.WriteString(`</div></fieldset></div>`)
	case "long":
		max := strconv.Itoa(fv.MaxLen)
		b.WriteString(`<div class="govuk-form-group govuk-character-count` + errClass("govuk-form-group--error") + `" data-module="govuk-character-count" data-maxlength="` + max + `">`)
		b.WriteString(`<label class="govuk-label govuk-label--s" for="` + id + `">` + e(fv.Label) + `</label>`)
		errorMsg()
		b.WriteString(`<textarea class="govuk-textarea govuk-js-character-count` + errClass("govuk-textarea--error") + `" id="` + id + `" name="` + name + `" rows="8" aria-describedby="` + id + `-info`)
		if fv.Error != "" {
			b.WriteString(` ` + id + `-error`)
		}
		b.WriteString(`">` + e(fv.Value) + `</textarea>`)
		b.WriteString(`<div id="` + id + `-info" class="govuk-hint govuk-character-count__message">You can enter up to ` + max + ` characters</div></div>`)
	case "radios", "checkboxes":
		kind := fv.Kind
		input := "radio"
		if kind == "checkboxes" {
			input = "checkbox"
		}
		group()
		b.WriteString(`"><fieldset class="govuk-fieldset"`)
		var described []string
		if fv.Hint != "" {
			described = append(described, id+"-hint")
		}
		if fv.Error != "" {
			described = append(described, id+"-error")
		}
		if len(described) > 0 {
			b.WriteString(` aria-describedby="` + strings.Join(described, " ") + `"`)
		}
		b.WriteString(`><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">` + e(fv.Label) + `</legend>`)
		if fv.Hint != "" {
			b.WriteString(`<div id="` + id + `-hint" class="govuk-hint">` + e(fv.Hint) + `</div>`)
		}
		errorMsg()
		b.WriteString(`<div class="govuk-` + kind)
		if fv.Inline {
			b.WriteString(` govuk-` + kind + `--inline`)
		}
		if fv.Small {
			b.WriteString(` govuk-` + kind + `--small`)
		}
		b.WriteString(`" data-module="govuk-` + kind + `">`)
		for _, o := range fv.Options {
			oid := e(o.ID)
			b.WriteString(`<div class="govuk-` + kind + `__item"><input class="govuk-` + kind + `__input" id="` + oid + `" name="` + name + `" type="` + input + `" value="` + e(o.Value) + `"`)
			if o.Checked {
				b.WriteString(` checked`)
			}
			if len(o.Reveals) > 0 {
				b.WriteString(` data-aria-controls="` + oid + `-conditional"`)
			}
			b.WriteString(`><label class="govuk-label govuk-` + kind + `__label" for="` + oid + `">` + e(o.Label) + `</label></div>`)
			if len(o.Reveals) > 0 {
				b.WriteString(`<div class="govuk-` + kind + `__conditional`)
				if !o.Checked {
					b.WriteString(` govuk-` + kind + `__conditional--hidden`)
				}
				b.WriteString(`" id="` + oid + `-conditional">`)
				for _, r := range o.Reveals {
					r.write(b)
				}
				b.WriteString(`</div>`)
			}
		}
		b.WriteString(`</div></fieldset></div>`)
	case "tick":
		group()
		b.WriteString(`">`)
		errorMsg()
		b.WriteString(`<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">`)
		b.WriteString(`<input class="govuk-checkboxes__input" id="` + id + `" name="` + name + `" type="checkbox" value="yes"`)
		if fv.Value == "yes" {
			b.WriteString(` checked`)
		}
		var described []string
		if fv.Hint != "" {
			described = append(described, id+"-item-hint")
		}
		if fv.Error != "" {
			described = append(described, id+"-error")
		}
		if len(described) > 0 {
			b.WriteString(` aria-describedby="` + strings.Join(described, " ") + `"`)
		}
		b.WriteString(`><label class="govuk-label govuk-checkboxes__label" for="` + id + `">` + e(fv.Label) + `</label>`)
		if fv.Hint != "" {
			b.WriteString(`<div id="` + id + `-item-hint" class="govuk-hint govuk-checkboxes__hint">` + e(fv.Hint) + `</div>`)
		}
		b.WriteString(`</div></div></div>`)
	default:
		group()
		b.WriteString(`"><label class="govuk-label govuk-label--s" for="` + id + `">` + e(fv.Label) + `</label>`)
		if fv.Hint != "" {
			b.WriteString(`<div id="` + id + `-hint" class="govuk-hint">` + e(fv.Hint) + `</div>`)
		}
		errorMsg()
		b.WriteString(`<input class="govuk-input ` + e(fv.Width) + errClass("govuk-input--error") + `" id="` + id + `" name="` + name + `" type="` + e(fv.InputType) + `" value="` + e(fv.Value) + `"`)
		if fv.Autocomplete != "" {
			b.WriteString(` autocomplete="` + e(fv.Autocomplete) + `"`)
		}
		if fv.Spellcheck {
			b.WriteString(` spellcheck="false"`)
		}
		if fv.Hint != "" || fv.Error != "" {
			b.WriteString(` aria-describedby="`)
			if fv.Hint != "" {
				b.WriteString(id + `-hint`)
			}
			if fv.Error != "" {
				if fv.Hint != "" {
					b.WriteString(` `)
				}
				b.WriteString(id + `-error`)
			}
			b.WriteString(`"`)
		}
		b.WriteString(`></div>`)
	}
}

// HTML writes one row of the check page's summary list, for the same
// reason as the questions: there is one row for every answer.
func (row summaryRow) HTML() template.HTML {
	e := html.EscapeString
	var b strings.Builder
	key := e(row.Key)
	b.WriteString(`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">` + key + `</dt><dd class="govuk-summary-list__value">`)
	if len(row.Lines) == 0 {
		b.WriteString(`<span class="app-not-answered">Not answered</span>`)
	}
	for i, l := range row.Lines {
		if i > 0 {
			b.WriteString(`<br>`)
		}
		b.WriteString(e(l))
	}
	b.WriteString(`</dd><dd class="govuk-summary-list__actions"><a class="govuk-link" href="` + e(row.Change) + `">Change<span class="govuk-visually-hidden"> ` + key + `</span></a></dd></div>`)
	return template.HTML(b.String()) // every value is escaped as written
}
