package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// TestAccountPage registers through the form (the password rule shown, a
// common password refused, "Keep me signed in" ticked), then uses the
// account page: change the password, end another device's session, and
// sign out everywhere.
func TestAccountPage(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	srv := apptest.Start(t, redistest.Server(t).URL(), "--feed", "synthetic:1")
	b := newBrowser(t)
	shots := artifactsDir(t)
	const name, first, second = "account-tester", "a first long passphrase", "a second long passphrase"
	var device *http.Client // another device signed in as the same user

	// The form's refusals answer 400 (a common password), and a signed-out
	// page's check 401: the browser logs them as failed loads.
	b.console.expect("status of 400", "status of 401")
	steps := []step{
		{"the rule is shown and a common password refused", func(ctx context.Context) error {
			if err := chromedp.Do(ctx,
				desktop.emulate(),
				chromedp.Navigate(srv.URL+"/register"),
				chromedp.WaitVisible(tid("register-form")),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the password rule", `document.querySelector('[data-testid="password-rule"]')?.textContent.includes('12 to 1,024 characters')`); err != nil {
				return err
			}
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(tid("username-input"), name),
				chromedp.SendKeys(tid("password-input"), "12345678901"),
				chromedp.Click(tid("submit-button")),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the form to refuse 11 characters", `document.querySelector('[data-testid="password-error"]')?.textContent.includes('at least 12')`); err != nil {
				return err
			}
			if err := chromedp.Do(ctx,
				clearInput("password-input"),
				chromedp.SendKeys(tid("password-input"), "password1234"),
				chromedp.Click(tid("submit-button")),
			); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the server to refuse a common password", `document.querySelector('[data-testid="form-error"]')?.textContent.includes('most common')`)
			if err == nil {
				_, err = saveScreenshot(ctx, shots, "register-refused-"+desktop.name)
			}
			return err
		}},
		{"register, kept signed in", func(ctx context.Context) error {
			if err := chromedp.Do(ctx,
				clearInput("password-input"),
				chromedp.SendKeys(tid("password-input"), first),
				chromedp.Click(tid("remember-input")),
				chromedp.Click(tid("submit-button")),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the dashboard", `location.pathname === '/' && !!document.querySelector('[data-testid="account-link"]')`); err != nil {
				return err
			}
			res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL}})
			if err != nil {
				return err
			}
			for _, c := range res.Cookies {
				if c.Name == "beats_session" && !c.Session {
					return nil
				}
			}
			return fmt.Errorf("cookies %+v; want a persistent beats_session", res.Cookies)
		}},
		{"open the account page", func(ctx context.Context) error {
			jar, _ := cookiejar.New(nil)
			device = &http.Client{Jar: jar}
			if err := postJSON(device, srv.URL+"/account/login", `{"username":"`+name+`","password":"`+first+`"}`, http.StatusOK); err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.Click(tid("account-link"))); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "two sessions, this one marked", `location.pathname === '/account' &&
				document.querySelectorAll('[data-testid="session"]').length === 2 &&
				document.querySelectorAll('[data-testid="current-session"]').length === 1`)
			if err == nil {
				err = screenshot(ctx, t, shots, "account-"+desktop.name)
			}
			if err != nil {
				return err
			}
			// The dark theme too, at a phone's width.
			if err := chromedp.Do(ctx, phone.emulate(), chromedp.Evaluate[chromedp.Void](`localStorage.setItem('beats-theme', 'dark')`), chromedp.Reload()); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the dark account page", `document.documentElement.dataset.bsTheme === 'dark' &&
				document.querySelectorAll('[data-testid="session"]').length === 2`); err != nil {
				return err
			}
			if err := phone.fits(ctx); err != nil {
				return err
			}
			if err := screenshot(ctx, t, shots, "account-375-dark"); err != nil {
				return err
			}
			return chromedp.Do(ctx, desktop.emulate(), chromedp.Evaluate[chromedp.Void](`localStorage.setItem('beats-theme', 'light')`), chromedp.Reload())
		}},
		{"change the password", func(ctx context.Context) error {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(tid("current-password"), first),
				chromedp.SendKeys(tid("new-password"), second),
				chromedp.Click(tid("password-submit")),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the change to be confirmed, the other device signed out", `!!document.querySelector('[data-testid="password-done"]') &&
				document.querySelectorAll('[data-testid="session"]').length === 1`); err != nil {
				return err
			}
			return getStatus(device, srv.URL+"/account/me", http.StatusUnauthorized)
		}},
		{"end the other device's session", func(ctx context.Context) error {
			if err := postJSON(device, srv.URL+"/account/login", `{"username":"`+name+`","password":"`+second+`"}`, http.StatusOK); err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "two sessions again", `document.querySelectorAll('[data-testid="session"]').length === 2`); err != nil {
				return err
			}
			// The other device's row is the one without the current badge.
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(tid("confirm-password"), second),
				chromedp.Click(`[data-testid="session"]:not(:has([data-testid="current-session"])) [data-testid="end-session"]`),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "one session left", `document.querySelectorAll('[data-testid="session"]').length === 1`); err != nil {
				return err
			}
			return getStatus(device, srv.URL+"/account/me", http.StatusUnauthorized)
		}},
		{"sign out everywhere", func(ctx context.Context) error {
			session, err := cookies(ctx, srv.URL)
			if err != nil {
				return err
			}
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(tid("confirm-password"), second),
				chromedp.Click(tid("logout-all")),
			); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the login page", `location.pathname === '/login'`); err != nil {
				return err
			}
			return sessionEnded(ctx, srv.URL, session)
		}},
	}
	runSteps(t, b, steps)
}

func postJSON(c *http.Client, url, body string, want int) error {
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s = %d; want %d", url, resp.StatusCode, want)
	}
	return nil
}

func getStatus(c *http.Client, url string, want int) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s = %d; want %d", url, resp.StatusCode, want)
	}
	return nil
}

// clearInput empties a text input the way typing would, so Vue sees it.
func clearInput(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.querySelector('[data-testid="` + id + `"]');
		el.value = '';
		el.dispatchEvent(new Event('input', { bubbles: true }));
	})()`)
}
