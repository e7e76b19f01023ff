# SAM builds each function with `make build-<LogicalId>` (BuildMethod:
# makefile, CodeUri: .). Each target builds one static arm64 bootstrap.
GOFLAGS_LAMBDA = -tags lambda.norpc -trimpath -ldflags='-s -w'
GOENV_LAMBDA   = GOOS=linux GOARCH=arm64 CGO_ENABLED=0

.PHONY: build-FormIntakeFunction build-IntakeApiFunction build-ReminderFunction build-EmailIntakeFunction build-WorkspaceFunction build-SettleFunction test run activate-mailbox

build-FormIntakeFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/form-intake

build-IntakeApiFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/intake-api

build-ReminderFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/reminder

build-EmailIntakeFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/email-intake

build-WorkspaceFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/workspace

build-SettleFunction:
	$(GOENV_LAMBDA) go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/settle

test:
	./scripts/test

run:
	go run ./infra/local

# Make the stack's receipt rule set the region's active one; refuses to
# switch off another active set unless REPLACE names it.
#   make activate-mailbox STACK=cspr-intake [REPLACE=<active set>]
activate-mailbox:
	@test -n "$(STACK)" || { echo "usage: make activate-mailbox STACK=<stack> [REPLACE=<active rule set>]" >&2; exit 2; }
	./scripts/activate-mailbox "$$(aws cloudformation describe-stacks --stack-name '$(STACK)' \
	    --query "Stacks[0].Outputs[?OutputKey=='MailboxRuleSet'].OutputValue" --output text)" $(if $(REPLACE),--replace '$(REPLACE)')
