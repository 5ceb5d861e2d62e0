/** The URL a fetch was called with, whichever form `input` took (a string, a URL or a Request). */
export const urlOf = (input: string | URL | Request): string => (input instanceof Request ? input.url : input.toString())
