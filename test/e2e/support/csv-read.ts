/**
 * An RFC 4180 reader for the tests, written apart from the app's CSV writer so an export is
 * checked by reading it back, not by the code that wrote it: quoted fields with doubled quotes,
 * commas and line breaks inside, CRLF between records. Strict: a stray quote throws.
 */
export function readCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  const endField = () => {
    record.push(field)
    field = ''
  }
  while (i < text.length) {
    const char = text[i]!
    if (field === '' && char === '"' && (i === 0 || text[i - 1] === ',' || text[i - 1] === '\n')) {
      // A quoted field: up to the closing quote; "" is one quote.
      i++
      for (;;) {
        if (i >= text.length) throw new Error('CSV: a quoted field is not closed')
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
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) throw new Error(`CSV: text after a closing quote at ${i}`)
      continue
    }
    if (char === ',') {
      endField()
      i++
    } else if (text.startsWith('\r\n', i)) {
      endField()
      records.push(record)
      record = []
      i += 2
    } else if (char === '"') {
      throw new Error(`CSV: a quote inside an unquoted field at ${i}`)
    } else if (char === '\n' || char === '\r') {
      throw new Error(`CSV: a bare line break outside quotes at ${i}`)
    } else {
      field += char
      i++
    }
  }
  if (field !== '' || record.length > 0) throw new Error('CSV: the last record does not end with CRLF')
  return records
}

/** Rows as objects keyed by the header row's cells. */
export function readCsvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text)
  if (!header) return []
  return rows.map((row) => {
    if (row.length !== header.length) throw new Error(`CSV: a row has ${row.length} cells, the header ${header.length}`)
    return Object.fromEntries(header.map((name, index) => [name, row[index]!]))
  })
}
