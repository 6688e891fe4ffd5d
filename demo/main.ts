const status = document.getElementById('status');
if (status) status.textContent = 'Demo room ready.';
