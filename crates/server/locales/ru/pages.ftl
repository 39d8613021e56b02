# Pages
