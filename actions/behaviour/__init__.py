"""Learning from behaviour: order import, co-purchase and popularity signals,
offline evaluation, customer types, promotions and experiments."""
