// Package blob holds the adapters that keep raw inputs (e-mails, uploaded
// forms, web submissions) exactly as received, before anything parses them:
// blob/dir in the local data folder, blob/s3blob in an S3 bucket. Keys are
// content hashes, so writing the same input twice is harmless.
package blob
