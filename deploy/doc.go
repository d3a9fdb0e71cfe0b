// Package deploy holds no code: its folder has the systemd unit, and its
// tests check the deployment files of the repository (the unit, the
// Dockerfile, compose.yaml and .goreleaser.yaml).
package deploy
