package slack

import (
	"context"
	"errors"
	"time"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket keeps a Socket Mode connection up until ctx ends: slack-go
// reconnects on Slack's request and on dead connections; when it gives up
// (auth errors aside) it is started again with a backoff.
func (d *Desk) runSocket(ctx context.Context) error {
	client := socketmode.New(d.api, d.socketOpts...)
	runErr := make(chan error, 1)
	go func() {
		wait := d.minBackoff
		for {
			err := client.RunContext(ctx)
			if ctx.Err() != nil {
				runErr <- nil
				return
			}
			if isAuthError(err) {
				runErr <- err
				return
			}
			d.log.Warn("slack desk: socket mode stopped, reconnecting", "err", err, "in", wait)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				runErr <- nil
				return
			case <-t.C:
			}
			wait = min(wait*2, d.maxBackoff)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return nil
		case err := <-runErr:
			if err == nil {
				return nil // stopped because ctx ended
			}
			d.log.Error("slack desk: socket mode cannot connect: the app-level token (SLACK_APP_TOKEN) was refused", "err", err)
			return err
		case evt := <-client.Events:
			d.handleSocketEvent(ctx, client, evt)
		}
	}
}

func isAuthError(err error) bool {
	if err == nil {
		return false
	}
	var se goslack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type":
			return true
		}
	}
	switch err.Error() {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked":
		return true
	}
	var sc goslack.StatusCodeError
	return errors.As(err, &sc) && sc.Code == 404
}

// handleSocketEvent acknowledges Slack's requests at once (Slack retries
// after 3 s), once what they ask is kept in the inbox; the work is done
// after the ack. A message event that could not be kept is not
// acknowledged (Slack delivers it again); a press always is (Slack never
// sends it again: its agent is told instead).
func (d *Desk) handleSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	ack := func() {
		if evt.Request == nil {
			return
		}
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := client.AckCtx(actx, evt.Request.EnvelopeID, nil); err != nil {
			d.log.Warn("slack desk: socket mode ack failed", "err", err)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnected:
		d.log.Info("slack desk: socket mode connected")
	case socketmode.EventTypeConnectionError:
		d.log.Warn("slack desk: socket mode connection error", "err", evt.Data)
	case socketmode.EventTypeInvalidAuth:
		d.log.Error("slack desk: socket mode: invalid app-level token")
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			ack()
			return
		}
		// Not kept (Redis failed): no ack, so Slack delivers it again later.
		if d.acceptEvent(ev, evt.Request.Payload) {
			ack()
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(goslack.InteractionCallback)
		if !ok || evt.Request == nil {
			ack()
			return
		}
		// Acknowledged even when it could not be kept (pressNotRecorded):
		// Slack never sends an interaction again.
		kept := d.acceptAction(&cb, evt.Request.Payload)
		ack()
		if !kept {
			d.pressNotRecorded(&cb)
		}
	case socketmode.EventTypeSlashCommand:
		ack()
	}
}
