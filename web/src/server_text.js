// The server's most common error sentences in Danish. The server answers in English with a
// stable code and the field (api.js says both in the reader's words); the sentences a form's
// input meets most often are rewritten here by pattern, so a Danish reader sees Danish. A
// sentence not in the list stays in English — never a wrong translation. Each entry is a whole
// sentence: a pattern that must match all of it, and the Danish text ($1, $2: its parts).
const NUMBER = '(-?\\d+(?:\\.\\d+)?)';
const UNITS = { s: 's', ms: 'ms', days: 'dage', m: 'm', bytes: 'bytes', characters: 'tegn' };

const DANISH = [
  [/^must be an object$/, 'skal være et objekt'],
  [/^must be a JSON object$/, 'skal være et JSON-objekt'],
  [/^the body must be a JSON object$/, 'indholdet skal være et JSON-objekt'],
  [/^must be an array$/, 'skal være en liste'],
  [/^must be a string$/, 'skal være tekst'],
  [/^must be a number$/, 'skal være et tal'],
  [/^must be an integer$/, 'skal være et heltal'],
  [/^must be true or false$/, 'skal være sand eller falsk'],
  [/^must not be empty$/, 'må ikke være tom'],
  [/^required field is missing$/, 'skal udfyldes'],
  [/^must be >= 0$/, 'skal være 0 eller mere'],
  [/^must be > 0$/, 'skal være større end 0'],
  [new RegExp(`^must be in \\[${NUMBER}, ${NUMBER}\\]$`), 'skal være mellem $1 og $2'],
  [new RegExp(`^must be ${NUMBER}\\s*(?:\\.\\.|–)\\s*${NUMBER}(?: (s|ms|days|m|bytes|characters))?$`), (m) => `skal være mellem ${m[1]} og ${m[2]}${m[3] ? ` ${UNITS[m[3]]}` : ''}`],
  [/^must be at most (\d+) (bytes|characters)$/, (m) => `må højst være ${m[1]} ${UNITS[m[2]]}`],
  [/^must be (\d+) to (\d+) characters$/, 'skal være $1 til $2 tegn'],
  [/^must be an RFC 3339 time$/, 'skal være et tidspunkt (RFC 3339, fx 2026-12-07T10:00:00Z)'],
  [/^required: an RFC 3339 time$/, 'skal udfyldes med et tidspunkt (RFC 3339)'],
  [/^must be a day \(YYYY-MM-DD\) or an RFC 3339 time$/, 'skal være en dag (ÅÅÅÅ-MM-DD) eller et tidspunkt (RFC 3339)'],
  [/^must be after `from`$/, 'skal ligge efter «from»'],
  [/^must not be before `from`$/, 'må ikke ligge før «from»'],
  [/^valid_to must be after valid_from$/, 'slutdatoen skal ligge efter startdatoen'],
  [/^not an e-mail address: '(.*)'$/, 'ikke en e-mailadresse: «$1»'],
  [/^must name a time zone, e\.g\. Europe\/Copenhagen$/, 'skal være en tidszone, fx Europe/Copenhagen'],
  [/^no configured recognition service recognises '([^']*)' for (\w+) data \(served: (.*); see GET \/api\/v1\/capabilities\)$/, (m) => `ingen konfigureret genkendelsestjeneste kan genkende «${m[1]}» for ${m[2]} data (kan: ${m[3] === 'none' ? 'ingen' : m[3]}; se GET /api/v1/capabilities)`],
  [/^"unvisited" needs revisit_days: how often the site should be seen$/, '«stedet ikke besøgt i tide» kræver, at «besøg mindst hver» er udfyldt'],
  // An enumeration of codes ("must be open, in_progress, handled or dismissed"): the codes stay.
  [/^must be ([\w-]+(?:, [\w-]+)*) or ([\w-]+)$/, 'skal være $1 eller $2'],
];

// The Danish sentence for the server's English `message`, or null when it is not in the list.
export function danishDetail(message) {
  for (const [re, out] of DANISH) {
    const m = re.exec(message);
    if (!m) continue;
    return typeof out === 'function' ? out(m) : message.replace(re, out);
  }
  return null;
}
