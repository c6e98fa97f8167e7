document.getElementById('app').textContent = 'v2';
