/**
 * A strict RFC 4180 reader, written for the tests from the RFC's grammar (not from the app's
 * writer): records end with CRLF, a field is either plain (no `"`, `,`, CR or LF) or quoted
 * (`"` doubled inside). Anything else (a bare LF or CR between records, a quote inside a plain
 * field, text after a closing quote, a quote left open) is an error, so the writer is held to
 * the letter of the RFC. A final CRLF ends the last record; it does not start an empty one.
 */
export function parseRfc4180(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  let atFieldStart = true
  const fail = (why: string): never => {
    throw new Error(`RFC 4180: ${why} at offset ${i}`)
  }
  while (i < text.length) {
    const char = text[i]!
    if (atFieldStart && char === '"') {
      // Quoted field: up to the closing quote; "" is one quote.
      i++
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i]
        i++
      }
      atFieldStart = false
      if (i < text.length && text[i] !== ',' && !(text[i] === '\r' && text[i + 1] === '\n')) fail('text after a closing quote')
      continue
    }
    if (char === ',') {
      record.push(field)
      field = ''
      atFieldStart = true
      i++
      continue
    }
    if (char === '\r') {
      if (text[i + 1] !== '\n') fail('a CR without LF outside quotes')
      record.push(field)
      records.push(record)
      record = []
      field = ''
      atFieldStart = true
      i += 2
      continue
    }
    if (char === '\n') fail('a bare LF outside quotes')
    if (char === '"') fail('a quote inside a plain field')
    field += char
    atFieldStart = false
    i++
  }
  if (!atFieldStart || record.length > 0) {
    // The last record without a final CRLF (allowed by the RFC).
    record.push(field)
    records.push(record)
  }
  return records
}
