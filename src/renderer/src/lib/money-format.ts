/** Account balances are in US dollars whatever the locale; only the digits follow the locale. */
const usdFormat = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' })

/** Formats a USD amount, e.g. 12.5 → "$12.50" (in en-US); "—" when the server sent none. */
export const formatUsd = (amount: number | null): string => (amount === null ? '—' : usdFormat.format(amount))
