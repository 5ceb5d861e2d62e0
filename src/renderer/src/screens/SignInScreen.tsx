/** The first-run screen: no account yet. Sign in with an API key, or try the built-in sandbox. */
import { SignInForm } from '../components/SignInForm'

export function SignInScreen() {
  return (
    <main className="centered-screen sign-in">
      <div className="card">
        <h1>Sign in to Autocalls</h1>
        <p className="muted">
          Use an API key from your Autocalls dashboard. The app keeps it in your system keychain and uses it only to manage
          your keys. You can add more accounts, on any Autocalls host, once you are in.
        </p>
        <SignInForm autoFocus sandboxLabel="Try the sandbox" />
      </div>
    </main>
  )
}
