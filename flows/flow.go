package flows

import "time"

// Flow statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// Trigger types: what starts a flow (docs/operations.md, "What starts a
// flow").
const (
	TriggerWebhook   = "webhook"
	TriggerEvent     = "event"
	TriggerSchedule  = "schedule"
	TriggerOperation = "operation"
	TriggerManual    = "manual"
)

// Accountability levels: what a flow's runs leave behind.
const (
	AccountabilityAll      = "all"      // run row plus every step's options and result
	AccountabilityActivity = "activity" // run row only
)

// Flow is a named graph of operations with one trigger.
type Flow struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Icon        string `json:"icon,omitempty"`
	Color       string `json:"color,omitempty"`
	Description string `json:"description,omitempty"`
	Status      string `json:"status"`
	Trigger     string `json:"trigger"`
	// Accountability is "all", "activity" or nil (record nothing).
	Accountability *string `json:"accountability"`
	// Options are the trigger's options as uploaded; Webhook holds the
	// decoded form for webhook flows.
	Options map[string]any `json:"options"`
	// Operation is the id of the entry operation (nil for an empty flow).
	Operation   *string      `json:"operation"`
	Operations  []*Operation `json:"operations"`
	DateCreated time.Time    `json:"date_created"`
	DateUpdated *time.Time   `json:"date_updated"`

	// Webhook is the parsed trigger options when Trigger is "webhook".
	Webhook *WebhookOptions `json:"-"`
	// OperationTrigger is the parsed trigger options when Trigger is
	// "operation".
	OperationTrigger *OperationTriggerOptions `json:"-"`
	// Event, Schedule and Manual are the parsed trigger options when
	// Trigger is "event", "schedule" or "manual".
	Event    *EventOptions    `json:"-"`
	Schedule *ScheduleOptions `json:"-"`
	Manual   *ManualOptions   `json:"-"`
}

// Operation is one node of a flow.
type Operation struct {
	// ID is unique within the flow; edges and the flow's entry name it.
	ID string `json:"id"`
	// Key names the operation's result in the data chain.
	Key       string         `json:"key"`
	Type      string         `json:"type"`
	Name      string         `json:"name,omitempty"`
	PositionX int            `json:"position_x"`
	PositionY int            `json:"position_y"`
	Options   map[string]any `json:"options"`
	// Resolve and Reject hold the id of the next operation on success and
	// on failure; nil ends the run on that outcome.
	Resolve     *string   `json:"resolve"`
	Reject      *string   `json:"reject"`
	Flow        string    `json:"flow"`
	DateCreated time.Time `json:"date_created"`
}

// IsActive reports whether the flow may be triggered.
func (f *Flow) IsActive() bool { return f.Status == StatusActive }

// RecordsRuns reports whether runs of this flow are stored at all.
func (f *Flow) RecordsRuns() bool { return f.Accountability != nil }

// RecordsSteps reports whether each step's options and result are stored.
func (f *Flow) RecordsSteps() bool {
	return f.Accountability != nil && *f.Accountability == AccountabilityAll
}

// OperationByID returns the operation with that id, or nil.
func (f *Flow) OperationByID(id string) *Operation {
	for _, op := range f.Operations {
		if op.ID == id {
			return op
		}
	}
	return nil
}

// Clone returns a deep copy of the flow's structure (option values are
// shared: they are treated as immutable everywhere).
func (f *Flow) Clone() *Flow {
	c := *f
	c.Operations = make([]*Operation, len(f.Operations))
	for i, op := range f.Operations {
		o := *op
		c.Operations[i] = &o
	}
	if f.Webhook != nil {
		w := *f.Webhook
		c.Webhook = &w
	}
	if f.OperationTrigger != nil {
		o := *f.OperationTrigger
		c.OperationTrigger = &o
	}
	if f.Event != nil {
		e := *f.Event
		c.Event = &e
	}
	if f.Schedule != nil {
		s := *f.Schedule
		c.Schedule = &s
	}
	if f.Manual != nil {
		m := *f.Manual
		c.Manual = &m
	}
	return &c
}

// ptr returns a pointer to s.
func ptr(s string) *string { return &s }
