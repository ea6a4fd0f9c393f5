package datasets

// TestImages gives the external tests the images of testImages.
var TestImages = testImages
