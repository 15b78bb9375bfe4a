-- Runs the busted suite inside parley's own interpreter (as neovim runs busted inside nvim).
require "busted.runner"({ standalone = false })
