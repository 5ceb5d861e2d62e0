/** The sign-in form's icons: loaded with the form, not at the window's start. */
import { common } from './Icons'

export const EyeIcon = () => (
  <svg {...common}>
    <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z" />
    <circle cx="12" cy="12" r="3" />
  </svg>
)

export const EyeOffIcon = () => (
  <svg {...common}>
    <path d="M10.6 5.1A10.8 10.8 0 0 1 12 5c6.4 0 10 7 10 7a17.6 17.6 0 0 1-3.2 4.1M6.6 6.6A17.3 17.3 0 0 0 2 12s3.6 7 10 7a10.4 10.4 0 0 0 5.4-1.6" />
    <path d="M9.9 9.9a3 3 0 0 0 4.2 4.2" />
    <path d="m2 2 20 20" />
  </svg>
)

export const ChevronIcon = ({ open }: { open: boolean }) => (
  <svg {...common} className={open ? 'chevron open' : 'chevron'}>
    <path d="m9 6 6 6-6 6" />
  </svg>
)
