package comply

type sentinel string

func (s sentinel) Error() string { return string(s) }

// Errors returned by [New], [Engine.Evaluate] and the [Decision] methods,
// wrapped with context; test them with errors.Is.
const (
	// ErrInvalidOptions: New was given options it cannot use.
	ErrInvalidOptions sentinel = "comply: invalid options"
	// ErrInvalidTransaction: the transaction failed validation. The error
	// also wraps the *payment.ValidationError, so errors.Is matches the
	// payment sentinels (payment.ErrUnknownCurrency, …) and errors.As finds
	// each *payment.FieldError.
	ErrInvalidTransaction sentinel = "comply: invalid transaction"
	// ErrNoPack: no pack was given for the transaction's country.
	ErrNoPack sentinel = "comply: no jurisdiction pack"
	// ErrNoFXSource: the transaction's currency differs from the pack's
	// and no FXSource was configured.
	ErrNoFXSource sentinel = "comply: no FX source"
	// ErrFX: the FX source failed or returned an unusable rate.
	ErrFX sentinel = "comply: FX conversion failed"
	// ErrStore: the store failed and no fallback action was configured.
	ErrStore sentinel = "comply: store failed"
	// ErrNotReserved: Commit or Void on a decision that reserved nothing
	// (for example a Block).
	ErrNotReserved sentinel = "comply: decision reserved nothing"
)
